/** Debian's Chromium unless CHROMIUM_PATH says otherwise (the browser tests and the PDF report drive it). */
export const chromiumPath = () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
