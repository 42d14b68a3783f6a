"""Photo forms: a session photo's upload and the reason a photo is archived."""

from __future__ import annotations

from django import forms

from needlepoint.photos.models import POSE_CHOICES


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo",
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text="JPEG, PNG or HEIC as it came from the camera, up to 40 MB.",
    )
    pose = forms.ChoiceField(
        choices=[("", "As detected"), *POSE_CHOICES],
        required=False,
        help_text="Name the pose to have it checked and recorded as confirmed.",
    )
    keep_anyway = forms.BooleanField(
        required=False,
        label="Keep anyway if the quality check fails (its figures are then not to be trusted)",
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(max_length=500)
