## Per-language issue titles (issue 19).

# An issue's title in English because no one has written it in this
# language yet (only shown to readers of other languages).
title-fallback = { $title } (EN)
