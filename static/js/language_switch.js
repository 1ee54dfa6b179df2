// The language menu of the portal and the admin sends its form as soon as a language is chosen
// (a file, not an onchange attribute: the Content-Security-Policy allows no inline script).
document.querySelectorAll(".language-switch select").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
