"""Reading images: OCR text and QR codes of every image that enters (docs/imaging.md)."""
