"""Resident pages of resolutions: the list, a resolution with its vote forms and turnout or
result, voting, the per-premises vote list, the protocol and the attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.downloads import download_view, stored_file_response

from . import documents, queries, services
from .forms import VoteForm
from .models import Choice, Resolution
from .tally import tally


@login_required
def index(request):
    resolutions = list(queries.resolutions_for_user(request.user))
    if not resolutions and not queries.is_community_owner(request.user):
        raise Http404  # not an owner in any community: the page does not exist for them
    return render(
        request,
        "resolutions/index.html",
        {
            "open": [r for r in resolutions if r.status == Resolution.Status.OPEN],
            "closed": [r for r in resolutions if r.status == Resolution.Status.CLOSED],
            "consent": queries.consents_to_electronic_delivery(request.user),
        },
    )


def _detail(request, resolution, form=None, ballot_id=None, error=None):
    ballots = queries.ballots_of_user(request.user, resolution)
    may_vote = queries.may_vote_ids(request.user, ballots)
    for ballot in ballots:
        ballot.may_vote = ballot.pk in may_vote
        current = ballot.current_or_none
        mine = current is not None and current.vote.user_id == request.user.pk
        ballot.my_vote = current.vote if mine else None
        if ballot.pk == ballot_id:
            ballot.form = form
        else:  # the vote that counts is the option already chosen
            initial = {"choice": current.choice} if current else {}
            ballot.form = VoteForm(prefix=f"b{ballot.pk}", initial=initial)
    closed = resolution.status == Resolution.Status.CLOSED
    return render(
        request,
        "resolutions/detail.html",
        {
            "resolution": resolution,
            "ballots": ballots,
            "accepting": resolution.is_accepting_votes(),
            "tally": tally(resolution),
            "closed": closed,
            "notice": queries.notice_of_user(request.user, resolution) if closed else None,
            "error": error,
        },
    )


@login_required
def detail(request, pk):
    return _detail(request, queries.get_resolution_for_user(request.user, pk))


@login_required
@require_POST
def vote(request, pk):
    resolution = queries.get_resolution_for_user(request.user, pk)
    raw = request.POST.get("ballot", "")
    ballot_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
    ballot = next(
        (b for b in queries.ballots_of_user(request.user, resolution) if b.pk == ballot_id),
        None,
    )
    if ballot is None:
        return _detail(request, resolution, error=_("You may not vote for this premises."))
    form = VoteForm(request.POST, prefix=f"b{ballot.pk}")
    if not form.is_valid():
        return _detail(request, resolution, form, ballot.pk)
    choice = form.cleaned_data["choice"]
    try:
        services.vote_cast(
            user=request.user,
            resolution=resolution,
            ballot=ballot,
            choice=choice,
            confirmed=request.POST.get("confirm") == "yes",
        )
    except services.CoOwnerVoted as other:
        # A second POST with confirm=yes replaces the co-owner's vote; no JavaScript needed.
        return render(
            request,
            "resolutions/vote_confirm.html",
            {
                "resolution": resolution,
                "ballot": ballot,
                "previous": other.previous,
                "choice": choice,
                "choice_label": Choice(choice).label,
                "field": f"b{ballot.pk}-choice",
            },
        )
    except services.ResolutionError as refused:
        form.add_error(None, str(refused))
        return _detail(request, resolution, form, ballot.pk)
    messages.success(
        request, _("Your vote has been recorded. You may change it until voting ends.")
    )
    return redirect("resolutions:detail", resolution.pk)


@login_required
def votes(request, pk):
    resolution = queries.get_resolution_for_user(request.user, pk)
    closed = resolution.status == Resolution.Status.CLOSED
    return render(
        request,
        "resolutions/votes.html",
        {
            "resolution": resolution,
            "closed": closed,
            "ballots": queries.vote_list(resolution) if closed else [],
            "tally": tally(resolution) if closed else None,
        },
    )


@download_view
@login_required
def protocol(request, pk):
    resolution = queries.get_closed_resolution_for_user(request.user, pk)
    # Drawn again if its file is gone; only a failure between the check and the read is left.
    stored = documents.protocol_ensure(resolution)
    return stored_file_response(
        request,
        stored,
        content_type="application/pdf",
        filename=f"protokol-{resolution.number.replace('/', '-')}.pdf",
        as_attachment=False,
    )


@download_view
@login_required
def attachment(request, pk):
    item = queries.get_attachment_for_user(request.user, pk)
    return stored_file_response(
        request, item.file, content_type="application/pdf", as_attachment=False
    )


@login_required
@require_POST
def consent(request):
    given = request.POST.get("consent") == "yes"
    services.consent_set(user=request.user, given=given)
    if given:
        messages.success(request, _("You will receive notices of results in e-BOK and by e-mail."))
    else:
        messages.success(request, _("You will receive notices of results by post."))
    return redirect("resolutions:index")
