// Runs before the Bootstrap Italia bundle: tells it where its fonts are
// (the path comes from a data attribute so no inline script is needed).
window.__PUBLIC_PATH__ = document.documentElement.dataset.fontsPath;
