class RecordKeyConverter:
    """A directory-v1 record key in a URL."""

    regex = r"[a-z0-9][a-z0-9._-]{0,79}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
