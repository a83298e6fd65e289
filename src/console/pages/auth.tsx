// The local one-time login page (wrangler dev only).
import type { FC } from "hono/jsx";
import { Layout } from "../ui";

export const DevLoginPage: FC<{ token: string; problem?: string }> = ({ token, problem }) => (
  <Layout title="Entrar (ambiente local)" ctx={null}>
    <div class="center card">
      <h1>Entrar no console</h1>
      {problem ? (
        <p>{problem}</p>
      ) : (
        <>
          <p>Link de login de uso único do ambiente local (`npm run dev`). Em produção o console fica atrás do Cloudflare Access.</p>
          <form method="post" action="/console/dev-login">
            <input type="hidden" name="token" value={token} />
            <button type="submit">Entrar</button>
          </form>
        </>
      )}
    </div>
  </Layout>
);
