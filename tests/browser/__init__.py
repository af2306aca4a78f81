"""Stories told in Chromium, driven by Playwright: what a visitor does and must see."""
