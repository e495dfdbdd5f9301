/** Small DOM helpers shared by the panels. */

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** The element with this `data-testid`, which the page's HTML promises to have. */
export function byTestId<E extends HTMLElement = HTMLElement>(
  testid: string,
  root: ParentNode = document,
): E {
  const found = root.querySelector<E>(`[data-testid="${testid}"]`);
  if (!found) throw new Error(`the page has no [data-testid="${testid}"]`);
  return found;
}

/** Sets text only when it changed: panels refresh several times a second. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
