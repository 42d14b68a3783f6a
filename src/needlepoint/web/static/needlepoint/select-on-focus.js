// Fields marked data-select-on-focus select their whole value when focused (to copy it).
document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
  field.addEventListener("focus", function () {
    field.select();
  });
});
