from django.urls import path

from anju.console.views import auth, complaint, inbox, intake, two_factor

app_name = "console"
urlpatterns = [
    path("", inbox.inbox, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("login/code/", auth.login_code, name="login_code"),
    path("two-factor/", two_factor.two_factor_page, name="two_factor"),
    path("password/", auth.PasswordChangeView.as_view(), name="password"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("new/", intake.intake, name="intake"),
    path("c/<str:number>/", complaint.complaint_detail, name="complaint"),
    path("c/<str:number>/act/<slug:action>/", complaint.act, name="act"),
]
