// k8ts: the command-line entry point. It only parses the sub-command and hands the
// rest of the arguments to the module that wires that command together.

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  server: { summary: 'run the control plane (and an agent for this machine)', load: async () => (await import('./server.js')).runServer },
  agent: { summary: 'join a cluster and run the node agent of this machine', load: async () => (await import('./agent.js')).runAgent },
  hollow: { summary: 'simulate nodes that run pods without containers (for scale tests)', load: async () => (await import('./hollow.js')).runHollow },
  uninstall: { summary: 'remove every container, rule and file k8ts put on this machine', load: async () => (await import('./uninstall/index.js')).runUninstall },
  ctr: { summary: 'manage images and containers on this machine, docker-style', load: async () => (await import('./ctr/index.js')).runCtr },
};

function usage(): string {
  const lines = ['usage: k8ts <command> [flags]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`k8ts: unknown command "${name}"\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const code = await (await command.load())(rest);
  if (code !== 0) process.exitCode = code;
}
