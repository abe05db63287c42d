// Login with an operator API key (fgk_…): checked against /v1/operators/self, kept for this tab only.
import { useState } from 'preact/hooks';
import { api, saveKey } from '../api.js';

export function Login({ onLogin }: { onLogin: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    saveKey(key.trim());
    try {
      await api('GET', '/v1/operators/self');
      setError(null);
      onLogin();
    } catch (err) {
      saveKey(null);
      setError((err as Error).message);
    }
  };
  return (
    <main class="login">
      <form class="card" onSubmit={submit}>
        <h1>fleetgate</h1>
        <p class="muted">Sign in with an operator API key (printed by <code>npm start</code> or <code>fleetgate keys create</code>).</p>
        <label>
          API key
          <input name="key" type="password" autocomplete="off" placeholder="fgk_…" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Sign in</button>
        {error ? <p class="error" role="alert">{error}</p> : null}
      </form>
    </main>
  );
}
