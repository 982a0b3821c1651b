/* global window, document */
/*
 * Runs while the storefront's code is still downloading: a deferred classic script, so it executes after the
 * document is parsed and its stylesheets are in, and before the app's module entry (defer and module scripts run
 * in document order). It does two pieces of synchronous browser work early that the app's first task would otherwise
 * pay, on the main thread and in the middle of its first render:
 * - the first localStorage access of a page opens the origin's storage area over a synchronous call to the browser
 *   process (about 40 ms in a fresh profile on this VM; the app reads its session, locale and cart at start-up);
 * - the first layout of Chinese text looks up the fallback font for it (synchronous font-config calls), here on a
 *   hidden line in the app's own font instead of inside the first render.
 * Nothing is shown and nothing is kept; the app works the same without this file.
 */
(function () {
  try {
    window.localStorage.getItem('mall.locale');
  } catch {
    // Storage disabled: the app falls back on its own.
  }
  var probe = document.createElement('div');
  probe.setAttribute('aria-hidden', 'true');
  probe.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden;pointer-events:none;white-space:nowrap';
  probe.textContent = '惠选商城 好物低价 分享有礼 首页 分类 购物车 我的 ¥0.99 Mall';
  // The weights and sizes the first screen uses (each its own font lookup), and one of Vant's icons: its glyph is a
  // private-use code point that no system font has (a full fallback search while the icon font loads), and using
  // the icon font here starts its download.
  var bold = document.createElement('b');
  bold.style.fontSize = '17px';
  bold.textContent = '惠选商城 限时秒杀';
  var small = document.createElement('small');
  small.textContent = '好物低价 · 分享有礼';
  var icon = document.createElement('i');
  icon.className = 'van-icon van-icon-shop-o';
  probe.append(bold, small, icon);
  document.body.appendChild(probe);
  void probe.offsetWidth;
  probe.remove();
})();
