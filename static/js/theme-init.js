// theme-init.js — loaded synchronously in <head> before the stylesheet so the
// saved colour theme (localStorage "trcr-theme": "light" | "dark"; absent means
// follow the system) is applied before first paint, avoiding a flash of the
// wrong theme. Also adds the "js" class used by CSS for JS-only behaviour.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var theme = localStorage.getItem("trcr-theme");
    if (theme === "light" || theme === "dark") {
      root.setAttribute("data-theme", theme);
    }
  } catch (e) {
    /* storage unavailable (privacy mode): follow the system theme */
  }
})();
