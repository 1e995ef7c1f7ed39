from django.urls import path

from anju.portal import signin, views
from anju.security.portal_limits import limit_submissions

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", signin.signin, name="signin"),
    path("signin/code/", signin.signin_code, name="signin_code"),
    path("signout/", signin.signout, name="signout"),
    # What residents send is rate-limited per resident and per address.
    path("new/", limit_submissions(views.complaint_new), name="new"),
    # The SMS links to c/<number>/: keep this path stable.
    path("c/<str:number>/", views.detail, name="detail"),
    path("c/<str:number>/submitted/", views.submitted, name="submitted"),
    path("c/<str:number>/rate/", views.rate, name="rate"),
    path("c/<str:number>/more/", limit_submissions(views.add_information), name="add_information"),
    path("c/<str:number>/withdraw/", views.withdraw, name="withdraw"),
]
