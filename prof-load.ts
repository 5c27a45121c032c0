import { runRound } from './tests/bench/turnLoad';
import { traffic } from './tests/bench/turnTraffic';
// Drives the mixed load at a running bot for profiling: npx tsx prof-load.ts URL SECONDS
(async () => {
  const round = await runRound(process.argv[2]!, Number(process.argv[3] ?? 10), traffic());
  console.log(JSON.stringify(round));
})();
