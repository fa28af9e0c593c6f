// Whether the `?` sheet (views/ShortcutSheet.svelte, mounted once by App.svelte) is open. Views that
// have a "keys" button open it here; the `?` key itself is handled by App.
export const shortcutSheet = $state({ open: false });
