"""``/api/learn`` and ``/learn``: a kernel that learns (SPEC.md, "Learning")."""
