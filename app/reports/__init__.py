"""Reports: PDF (reportlab), CSV/XLSX and ESC/POS output. Reads the domain; never imports Qt."""
