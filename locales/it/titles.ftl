## Per-language issue titles (issue 19).

# An issue's title in English: it has no title in this language yet.
title-fallback = { $title } (EN)
