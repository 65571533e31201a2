from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiandu.accounts.models import User
from jiandu.accounts.roles import Role
from jiandu.orgs.models import Organisation


class OtpTokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("动态口令"),
        min_length=6,
        max_length=6,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": _("请输入6位动态口令"),
            "min_length": _("动态口令为6位数字"),
            "max_length": _("动态口令为6位数字"),
        },
    )

    def clean_otp_token(self) -> str:
        token: str = self.cleaned_data["otp_token"]
        if not token.isdigit():
            raise forms.ValidationError(gettext("动态口令为6位数字"))
        return token


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("确认新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", gettext("两次输入的新密码不一致"))
        return data


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), required=False)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices])


class AccountForm(forms.Form):
    """Create (with username and an initial password) or edit an account."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    role = forms.ChoiceField(label=_("角色（每个账号只能有一个角色）"), choices=Role.choices)
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("所属单位"), queryset=Organisation.objects.none(), empty_label=_("请选择")
    )
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("账号首次登录时须自行修改密码。"),
    )

    def __init__(self, *args: Any, organisations: Any, editing: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.editing = editing
        if editing is not None:
            del self.fields["password"]
            self.fields["username"].disabled = True
            self.fields["username"].required = False

    def clean_username(self) -> str:
        if self.editing is not None:
            return self.editing.username
        username: str = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(gettext("该用户名已被使用"))
        return username


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("临时密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("账号下次登录时必须修改此密码。"),
    )
