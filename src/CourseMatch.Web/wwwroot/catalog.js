// Progressive enhancement: with JavaScript on, ticking a filter or changing the sort applies it at once.
// Without JavaScript the "Apply" buttons do the same through the plain GET form.
(() => {
    const form = document.getElementById("catalog");
    if (!form) return;
    form.addEventListener("change", (e) => {
        const t = e.target;
        if (t.matches("input[type=checkbox]:not([form]), select")) {
            form.querySelectorAll("input[name=page]").forEach((el) => el.remove());
            // Land on the results, as the "Apply" buttons do.
            form.action = "/courses#results";
            form.requestSubmit();
        }
    });
})();
