// Two pages: the library's own lines (index.html) and LiveKit's (livekit.html).
export default { build: { rollupOptions: { input: ['index.html', 'livekit.html'] } } };
