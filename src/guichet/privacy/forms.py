from django import forms
from django.utils.translation import gettext_lazy as _


class PersonLookupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person"), max_length=254)
