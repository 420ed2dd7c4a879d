// One way for the page's cards to load JSON from the server: the parsed body, or a line saying why not (the server's
// reason when it gave one, else the status; or that it did not answer), never an exception.

/** The parsed body, or why there is none. */
export type Loaded<T> = { ok: true; data: T } | { ok: false; why: string };

export async function loadJson<T>(load: () => Promise<Response>): Promise<Loaded<T>> {
  let res: Response;
  try {
    res = await load();
  } catch (err) {
    return { ok: false, why: `the server did not answer: ${(err as Error).message}` };
  }
  if (!res.ok) {
    let why = String(res.status);
    try {
      const body = (await res.json()) as { reason?: string };
      if (body.reason) why = `${res.status}: ${body.reason}`;
    } catch {
      /* not JSON: the status says enough */
    }
    return { ok: false, why };
  }
  try {
    return { ok: true, data: (await res.json()) as T };
  } catch (err) {
    return { ok: false, why: `the answer is not JSON: ${(err as Error).message}` };
  }
}
