// CPR guidance: closed until asked for, then a metronome at 110 compressions a minute (inside the
// 100-120 the guidelines ask for). One timer drives both the flash and the optional beep so they never drift.
(function () {
  'use strict';
  var PERIOD_MS = 60000 / 110;
  var $ = function (id) { return document.getElementById(id); };
  var timer = null;
  var audio = null;

  function tick() {
    var beat = $('beat');
    beat.classList.remove('go');
    void beat.offsetWidth; // restart the CSS animation on every beat
    beat.classList.add('go');
    if ($('sound').checked && audio) beep();
  }

  function beep() {
    var osc = audio.createOscillator();
    var gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.3;
    osc.connect(gain);
    gain.connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.06);
  }

  $('cpr-open').addEventListener('click', function () {
    var body = $('cpr-body');
    body.hidden = !body.hidden;
    this.setAttribute('aria-expanded', String(!body.hidden));
    clearInterval(timer);
    timer = body.hidden ? null : setInterval(tick, PERIOD_MS);
  });

  $('sound').addEventListener('change', function () {
    // Audio may only start from a user gesture, which this change event is.
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (this.checked && Ctx) {
      audio = audio || new Ctx();
      audio.resume();
    }
  });
})();
