"""Places: the world gazetteer, name matching and the place hierarchy."""
