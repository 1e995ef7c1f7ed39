from django.urls import path

from anju.console.views import auth, complaint, inbox, intake, suggestion, two_factor
from anju.visits import views as visit_views
from anju.warnings import views as warning_views

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
    path("c/<str:number>/reveal/", complaint.reveal, name="reveal"),
    # The complaint's return visit: its call screen, opened now if need be (anju/visits).
    path("c/<str:number>/return-visit/", visit_views.open_for_complaint, name="return_visit"),
    # The triage suggestion of a complaint: accept or correct it (anju/triage).
    path("c/<str:number>/suggestion/", suggestion.decide, name="triage_decide"),
    # The warnings board (anju/warnings/views.py).
    path("warnings/", warning_views.board, name="warnings"),
    path("warnings/<int:pk>/acknowledge/", warning_views.acknowledge, name="warning_ack"),
    path("warnings/<int:pk>/comment/", warning_views.comment, name="warning_comment"),
    path("warnings/<int:pk>/retry/", warning_views.retry, name="warning_retry"),
    # Return visits (回访): the list and the call screen (anju/visits/views.py).
    path("visits/", visit_views.visit_list, name="visits"),
    path("visits/<int:pk>/", visit_views.call_screen, name="visit"),
    path("visits/<int:pk>/attempt/", visit_views.record_attempt, name="visit_attempt"),
    path("visits/<int:pk>/survey/", visit_views.record_survey, name="visit_survey"),
    path("visits/<int:pk>/close/", visit_views.close_unreachable, name="visit_close"),
    path("visits/<int:pk>/link/", visit_views.resend_link, name="visit_link"),
]
