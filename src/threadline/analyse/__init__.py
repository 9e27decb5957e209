"""Analysis: the stages that derive from the material (extract, resolve, graph, detect)."""
