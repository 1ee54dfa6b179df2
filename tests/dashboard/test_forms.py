"""The dashboard filter's selects, drawn in Python (1,500 communities would take a template each)."""

from django import forms

from dashboard.forms import PlainSelect


class Choose(forms.Form):
    place = forms.ChoiceField(
        choices=[("", "All"), ("1", "Кам'янець <b>"), ("2", "Obrnice")], required=True, widget=PlainSelect
    )


def test_the_chosen_option_is_selected_and_every_label_escaped():
    html = str(Choose({"place": "2"})["place"])
    assert html.startswith('<select id="id_place" name="place" required>')
    assert '<option value="2" selected>Obrnice</option>' in html
    assert '<option value="1">Кам&#x27;янець &lt;b&gt;</option>' in html
    assert '<option value="">All</option>' in html


def test_an_invalid_choice_keeps_its_error_attributes():
    form = Choose({"place": "9"})
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form["place"])
