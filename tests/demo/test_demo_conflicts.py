"""``anju demo`` on a database that is not empty."""

import io

import pytest
from django.core.management import CommandError, call_command

from anju.accounts.models import User
from anju.complaints.models import Complaint
from anju.estates.models import Company, Estate


@pytest.mark.django_db
def test_it_refuses_to_mix_with_estates_that_use_the_demo_codes():
    Estate.objects.create(company=Company.objects.create(name="别家物业"), code="cuihu", name="翠湖")
    with pytest.raises(CommandError, match="cuihu"):
        call_command("demo", complaints=40, stdout=io.StringIO())
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_take_over_an_existing_account_named_like_a_demo_user():
    User.objects.create_user(username="admin", password="someone-elses-password")
    with pytest.raises(CommandError, match="admin"):
        call_command("demo", complaints=40, stdout=io.StringIO())
    assert User.objects.get(username="admin").check_password("someone-elses-password")
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_it_asks_for_enough_complaints_to_show_every_status():
    with pytest.raises(CommandError):
        call_command("demo", complaints=5, stdout=io.StringIO())
