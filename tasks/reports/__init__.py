"""Reports over the stored work: the progress report per plan and agency, as rows, XLSX and a
chart (`progress`). May import models and dondoc.core."""
