import { describe, expect, it } from 'vitest';
import { sanitizeRichText } from './rich-text';

describe('rich text sanitiser', () => {
  it('keeps what an editor makes: paragraphs, emphasis, lists, links, our own images', () => {
    const html =
      '<h3>产品介绍</h3><p style="text-align: center">纯棉 <strong>加厚</strong> <em>柔软</em></p>' +
      '<ul><li>一</li><li>二</li></ul><p><a href="https://example.com/a">详情</a></p><img src="/uploads/2026/11/a.jpg" alt="图">';
    const clean = sanitizeRichText(html);
    expect(clean).toContain('<h3>产品介绍</h3>');
    expect(clean).toContain('<p style="text-align:center">');
    expect(clean).toContain('<strong>加厚</strong>');
    expect(clean).toContain('<li>二</li>');
    expect(clean).toContain('href="https://example.com/a"');
    expect(clean).toContain('rel="noopener noreferrer nofollow"');
    expect(clean).toContain('<img src="/uploads/2026/11/a.jpg" alt="图" />');
  });

  it('removes scripts, event handlers, javascript: links, frames and style sheets', () => {
    const html =
      '<p onclick="steal()">x<script>alert(1)</script></p><a href="javascript:alert(1)">a</a>' +
      '<img src="x" onerror="alert(1)"><iframe src="https://evil"></iframe><style>body{}</style>' +
      '<p style="position: fixed; background: url(javascript:x)">y</p><svg><script>1</script></svg>' +
      '<img src="data:image/png;base64,AAAA">';
    const clean = sanitizeRichText(html);
    for (const bad of ['script', 'onclick', 'onerror', 'javascript:', 'iframe', '<style', 'position', 'svg', 'data:']) {
      expect(clean, bad).not.toContain(bad);
    }
    expect(clean).toContain('<p>x</p>');
  });

  it('leaves plain text as it is', () => {
    expect(sanitizeRichText('西湖龙井：产地直发。')).toBe('西湖龙井：产地直发。');
  });
});
