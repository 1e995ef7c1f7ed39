from django.urls import path

from anju.portal import signin, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", signin.signin, name="signin"),
    path("signin/code/", signin.signin_code, name="signin_code"),
    path("signout/", signin.signout, name="signout"),
    path("new/", views.complaint_new, name="new"),
    # The SMS links to c/<number>/: keep this path stable.
    path("c/<str:number>/", views.detail, name="detail"),
    path("c/<str:number>/submitted/", views.submitted, name="submitted"),
    path("c/<str:number>/rate/", views.rate, name="rate"),
    path("c/<str:number>/more/", views.add_information, name="add_information"),
    path("c/<str:number>/withdraw/", views.withdraw, name="withdraw"),
]
