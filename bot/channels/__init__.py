"""Channel adapters: each draws Screens within its platform's limits and turns input into Events."""
