// Counts down the seconds shown in #countdown; the page's meta refresh takes the default choice.
(function () {
  var shown = document.getElementById('countdown');
  if (!shown) { return; }
  var left = parseInt(shown.textContent, 10);
  var timer = setInterval(function () {
    left = left > 0 ? left - 1 : 0;
    shown.textContent = String(left);
    if (left === 0) { clearInterval(timer); }
  }, 1000);
}());
