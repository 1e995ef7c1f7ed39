"""A fresh process (a new gunicorn worker) accepts a photo as its very first image."""

import subprocess
import sys


def test_the_first_photo_of_a_new_process_is_decodable():
    # Pillow registers decoders lazily; an early check once refused PNG as "HEIC" here.
    code = (
        "from anju.lib import images; "
        "print(images.can_decode('image/png'), images.can_decode('image/jpeg'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]
