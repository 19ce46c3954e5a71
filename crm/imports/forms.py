from django import forms

from crm.platform.control_characters import ControlCharactersRefusedForm


class ImportUploadForm(ControlCharactersRefusedForm, forms.Form):
    kind = forms.ChoiceField(label="The file holds", choices=[("customers", "Customers"), ("contacts", "Contacts")])
    file = forms.FileField(label="CSV file (UTF-8, first line: the column names)")
