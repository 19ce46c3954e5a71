from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import OwnPasswordChangeForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=OwnPasswordChangeForm, success_url="/"),
        name="password-change",
    ),
    path("account/settings/", views.preferences, name="account-settings"),
]
