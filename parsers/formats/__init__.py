"""One module per document format: bytes in, `ParseResult` out."""
