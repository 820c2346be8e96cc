/* The card editor's print preview: say so when the text does not fit the printed card
   (its body clips what overflows). */
(() => {
  const warning = document.getElementById("print-overflow");
  const body = document.querySelector(".studio-print .pc-body");
  if (!warning || !body) return;
  const check = () => { warning.hidden = body.scrollHeight <= body.clientHeight + 1; };
  check();
  window.addEventListener("load", check);
})();
