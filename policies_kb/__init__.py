"""Policy knowledge base: the provincial documents as validated data, with loader and search."""
