"""Resident pages of resolutions: the list, a resolution with its vote forms and turnout or
result, voting, the per-premises vote list, the protocol and the attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
    open_ = [r for r in resolutions if r.status == Resolution.Status.OPEN]
    mine = queries.premises_to_vote(request.user, [r.pk for r in open_])
    for resolution in open_:  # which of the user's premises still have no vote
        rows = mine.get(resolution.pk, [])
        resolution.unvoted = [label for label, voted in rows if not voted]
        resolution.all_voted = bool(rows) and not resolution.unvoted
    return render(
        request,
        "resolutions/index.html",
        {
            "open": open_,
            "closed": [r for r in resolutions if r.status == Resolution.Status.CLOSED],
            "consent": queries.consents_to_electronic_delivery(request.user),
        },
    )


def _with_forms(user, ballots, form, ballot_id):
    """Each ballot with whether the user may cast it, the user's own counted vote and its form."""
    may_vote = queries.may_vote_ids(user, ballots)
    for ballot in ballots:
        ballot.may_vote = ballot.pk in may_vote
        current = ballot.current_or_none
        mine = current is not None and current.vote.user_id == user.pk
        ballot.my_vote = current.vote if mine else None
        if ballot.pk == ballot_id:
            ballot.form = form
        else:  # the vote that counts is the option already chosen
            initial = {"choice": current.choice} if current else {}
            ballot.form = VoteForm(prefix=f"b{ballot.pk}", initial=initial)
    return ballots


def _same_vote_form(ballots):
    """The form casting one vote for every premises still without one, the user's latest vote
    pre-selected."""
    mine = [b.my_vote for b in ballots if b.my_vote is not None]
    latest = max(mine, key=lambda v: (v.cast_at, v.pk)) if mine else None
    return VoteForm(prefix="all", initial={"choice": latest.choice} if latest else {})


def _detail(request, resolution, form=None, ballot_id=None, error=None, all_form=None):
    ballots = _with_forms(
        request.user, queries.ballots_of_user(request.user, resolution), form, ballot_id
    )
    unvoted = [b for b in ballots if b.may_vote and b.current_or_none is None]
    closed = resolution.status == Resolution.Status.CLOSED
    return render(
        request,
        "resolutions/detail.html",
        {
            "resolution": resolution,
            "ballots": ballots,
            "unvoted": unvoted,
            "votable": sum(b.may_vote for b in ballots),
            "all_form": all_form or _same_vote_form(ballots),
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
    _point_to_unvoted(request, resolution)
    return redirect("resolutions:detail", resolution.pk)


def _point_to_unvoted(request, resolution):
    """After a vote for one premises, name the user's premises still without a vote."""
    labels = queries.unvoted_premises(request.user, [resolution.pk]).get(resolution.pk)
    if labels:
        messages.info(
            request,
            _("Still without a vote: %(premises)s. You may cast the same vote for them below.")
            % {"premises": ", ".join(labels)},
        )


def _ballot_ids(values):
    """The posted ballot ids; an empty set when there are none or one is not an id."""
    if not all(raw.isascii() and raw.isdigit() and len(raw) < 19 for raw in values):
        return set()
    return {int(raw) for raw in values}


@login_required
@require_POST
def vote_all(request, pk):
    """The same vote for several of the user's premises; each is cast as its own ballot."""
    resolution = queries.get_resolution_for_user(request.user, pk)
    ids = _ballot_ids(request.POST.getlist("ballots"))
    if not ids:
        return _detail(request, resolution, error=_("You may not vote for this premises."))
    mine = queries.ballots_of_user(request.user, resolution)
    if not ids <= queries.may_vote_ids(request.user, mine):
        raise Http404  # another owner's premises, or one the user only sees
    form = VoteForm(request.POST, prefix="all")
    if not form.is_valid():
        return _detail(request, resolution, all_form=form)
    try:
        votes, kept = services.votes_cast(
            user=request.user,
            resolution=resolution,
            ballot_ids=ids,
            choice=form.cleaned_data["choice"],
        )
    except services.ResolutionError as refused:
        form.add_error(None, str(refused))
        return _detail(request, resolution, all_form=form)
    if votes:
        messages.success(request, _vote_all_done(votes))
    if kept:
        messages.warning(
            request,
            _(
                "A co-owner voted differently for %(premises)s in the meantime; that vote was "
                "kept. You may change it below."
            )
            % {"premises": ", ".join(b.premises_label for b in kept)},
        )
    return redirect("resolutions:detail", resolution.pk)


def _vote_all_done(votes):
    labels = ", ".join(v.ballot.premises_label for v in votes)
    return ngettext(
        "Your vote has been recorded for %(count)d premises: %(premises)s.",
        "Your vote has been recorded for %(count)d premises: %(premises)s.",
        len(votes),
    ) % {"count": len(votes), "premises": labels}


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
