/** Where the endpoint writes its one line per refused or broken connection. */
export interface EndpointLogger {
  warn(line: string): void;
}

export const consoleLogger: EndpointLogger = {
  warn(line) {
    console.warn(`[drls endpoint] ${line}`);
  },
};
