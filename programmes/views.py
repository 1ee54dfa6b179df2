"""The authorised download of a library document's file: the only way to its bytes (they are kept
under the private media root, with no public URL)."""

import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.viewer import request_viewer
from programmes.models import Document
from programmes.selectors import visible_documents


def download_name(document: Document) -> str:
    """The title as a file name any browser keeps: letters (any script), digits, spaces, dots,
    hyphens and underscores; quotes and path separators go."""
    stem = re.sub(r"[^\w .-]+", "_", document.title).strip(" ._") or "document"
    return f"{stem[:120]}.{document.extension}"


def document_file_response(document: Document) -> FileResponse:
    """The file of ``document`` as an attachment, of its recorded type; 404 for a link."""
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=download_name(document))
    response["Content-Type"] = document.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_GET
def document_file(request, pk: int):
    """A document's file, to those who see the document; "not found" to anyone else."""
    document = get_object_or_404(visible_documents(request_viewer(request)), pk=pk)
    return document_file_response(document)
