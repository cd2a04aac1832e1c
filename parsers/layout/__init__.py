"""Positioned words (PDF text layers, OCR) to tables and orders: words, grid, rows, headings, the page reader."""
