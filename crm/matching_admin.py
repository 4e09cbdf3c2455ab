"""CRM → Match names (team only): typed organisation names not yet linked, matched or added in one step,
and merging two organisations after a preview of what moves.

The rules live in ``crm.organisations`` (services) and ``crm.selectors`` (reads); these views parse the
form, call one service and say what happened.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from .admin_access import TeamMenuItem, TeamOnlyMixin
from .models import Organisation, OrganisationType
from .organisations import (
    OrganisationError,
    exact_matches_link,
    organisation_create_from_typed_name,
    organisation_merge,
    typed_name_link,
)
from .selectors import (
    counts_phrase,
    exact_matches,
    organisation_choice_label,
    organisation_merge_preview,
    organisation_suggestions,
    unmatched_typed_names,
)

ICON = "link"
PER_PAGE = 20
LINKED = "Linked {count} to {organisation}: {detail}."
CREATED = "Added {organisation} to the register and linked {count}: {detail}."
EXACT_LINKED = "Linked the typed names that are exactly an organisation's name ({names}): {detail}."
EXACT_NONE = "No typed name is exactly an organisation's name: nothing to link."
MERGED = "Merged {loser} into {winner}: {detail}. {loser} is deleted."
CHOOSE_ORGANISATION = "Choose an organisation from the list (type part of its name or its URN)."
CREATE_FAILED = "{name} was not added: {errors}"


def _detail(counts: dict[str, int]) -> str:
    return counts_phrase(counts)


def _all_organisation_labels() -> dict[str, Organisation]:
    """Every organisation (closed ones too: the team may link to them) by its label in the list."""
    organisations = list(Organisation.objects.order_by("name", "postcode"))
    names: dict[str, int] = {}
    for org in organisations:
        names[org.name] = names.get(org.name, 0) + 1
    return {organisation_choice_label(org, with_postcode=names[org.name] > 1): org for org in organisations}


class OrganisationField(forms.CharField):
    """An organisation typed or picked from the page's list of labels (``_all_organisation_labels``)."""

    def clean(self, value):
        value = super().clean(value)
        if not (value or "").strip() and not self.required:
            return None
        organisation = _all_organisation_labels().get((value or "").strip())
        if organisation is None and (value or "").strip().isdigit():
            organisation = Organisation.objects.filter(urn=value.strip()).first()
        if organisation is None:
            raise ValidationError(CHOOSE_ORGANISATION)
        return organisation


class LinkForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(Organisation.objects.all(), required=False, widget=forms.HiddenInput)
    organisation_label = OrganisationField(required=False, label="Organisation")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation"):
            if "organisation_label" in self.errors:
                return cleaned
            if not cleaned.get("organisation_label"):
                raise ValidationError(CHOOSE_ORGANISATION)
            cleaned["organisation"] = cleaned["organisation_label"]
        return cleaned


class CreateForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=200, label="Name")
    organisation_type = forms.ChoiceField(choices=OrganisationType.choices, label="Type")
    urn = forms.CharField(max_length=6, required=False, label="URN (schools only)")


def _form_errors(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


class MatchingView(TeamOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Typed names not yet linked, most used first, each with the closest organisations to link it to."""

    template_name = "crm/admin/organisation_matching.html"
    page_title = "Match typed organisation names"
    header_icon = ICON

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": "Match names"}]

    def post(self, request, *args, **kwargs):
        back = reverse("organisation_matching:index") + (f"?q={request.GET['q']}" if request.GET.get("q") else "")
        action = request.POST.get("action")
        try:
            if action == "exact":
                results = exact_matches_link(by=request.user)
                if results:
                    totals: dict[str, int] = {}
                    for result in results:
                        for label, count in result.counts.items():
                            totals[label] = totals.get(label, 0) + count
                    messages.success(request, EXACT_LINKED.format(names=len(results), detail=_detail(totals)))
                else:
                    messages.info(request, EXACT_NONE)
            elif action == "create":
                form = CreateForm(request.POST)
                if not form.is_valid():
                    messages.error(request, CREATE_FAILED.format(name="The organisation", errors=_form_errors(form)))
                    return redirect(back)
                data = form.cleaned_data
                result = organisation_create_from_typed_name(
                    key=data["key"],
                    name=data["name"],
                    organisation_type=data["organisation_type"],
                    urn=data["urn"],
                    by=request.user,
                )
                messages.success(
                    request,
                    CREATED.format(organisation=result.organisation, count=result.total, detail=_detail(result.counts)),
                )
            else:
                form = LinkForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _form_errors(form))
                    return redirect(back)
                result = typed_name_link(
                    key=form.cleaned_data["key"], organisation=form.cleaned_data["organisation"], by=request.user
                )
                messages.success(
                    request,
                    LINKED.format(organisation=result.organisation, count=result.total, detail=_detail(result.counts)),
                )
        except OrganisationError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            name = request.POST.get("name", "The organisation")
            messages.error(request, CREATE_FAILED.format(name=name, errors=" ".join(error.messages)))
        return redirect(back)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        groups = unmatched_typed_names(search=query)
        page = Paginator(groups, PER_PAGE).get_page(self.request.GET.get("p"))
        organisations = list(Organisation.objects.all())
        exact = exact_matches()
        rows = []
        for group in page:
            suggestions = organisation_suggestions(group.name, organisations=organisations)
            rows.append(
                {
                    "group": group,
                    "suggestions": suggestions,
                    "exact": exact.get(group.key),
                    "type": group.organisation_type or OrganisationType.OTHER,
                }
            )
        context.update(
            query=query,
            page=page,
            rows=rows,
            total=len(groups),
            exact_count=sum(1 for group in (unmatched_typed_names() if query else groups) if group.key in exact),
            organisation_labels=list(_all_organisation_labels()),
            organisation_types=OrganisationType.choices,
        )
        return context


class MergeChoiceForm(forms.Form):
    loser = OrganisationField(label="Merge away (this one is deleted)")
    winner = OrganisationField(label="Into (this one is kept)")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("loser") and cleaned.get("winner") and cleaned["loser"].pk == cleaned["winner"].pk:
            raise ValidationError(OrganisationError("merge_same").message)
        return cleaned


class MergeView(TeamOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Choose two organisations, see what would move, then merge (POST)."""

    template_name = "crm/admin/organisation_merge.html"
    page_title = "Merge two organisations"
    header_icon = ICON

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("organisation_matching:index"), "label": "Match names"},
            {"url": "", "label": "Merge"},
        ]

    @cached_property
    def form(self) -> MergeChoiceForm:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        initial = {}
        loser = Organisation.objects.filter(pk=self.request.GET.get("organisation") or 0).first()
        if loser is not None:
            initial["loser"] = _label_of(loser)
        return MergeChoiceForm(data if ("loser" in data or "winner" in data) else None, initial=initial)

    def post(self, request, *args, **kwargs):
        if not self.form.is_valid():
            return self.get(request, *args, **kwargs)
        winner, loser = self.form.cleaned_data["winner"], self.form.cleaned_data["loser"]
        names = {"winner": str(winner), "loser": str(loser)}
        try:
            moved = organisation_merge(winner=winner, loser=loser, by=request.user)
        except OrganisationError as error:
            messages.error(request, error.message)
            return self.get(request, *args, **kwargs)
        detail = "; ".join(f"{line.what}: {line.count}" for line in moved) or "nothing pointed at it"
        messages.success(request, MERGED.format(**names, detail=detail))
        return redirect("organisation_matching:merge")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preview = None
        if self.form.is_bound and self.form.is_valid():
            preview = organisation_merge_preview(
                winner=self.form.cleaned_data["winner"], loser=self.form.cleaned_data["loser"]
            )
        context.update(form=self.form, preview=preview, organisation_labels=list(_all_organisation_labels()))
        return context


def _label_of(organisation: Organisation) -> str:
    return next((label for label, org in _all_organisation_labels().items() if org.pk == organisation.pk), "")


class OrganisationMatchingViewSet(ViewSet):
    """CRM → Match names: /admin/crm/matching/ (and /merge/), for the Prevent team."""

    name = "organisation_matching"
    url_prefix = "crm/matching"
    icon = ICON
    menu_label = "Match names"
    menu_item_class = TeamMenuItem
    add_to_admin_menu = False  # shown in the CRM group's submenu

    def get_urlpatterns(self):
        return [
            path("", MatchingView.as_view(), name="index"),
            path("merge/", MergeView.as_view(), name="merge"),
        ]
