/** The web console in English: a browser whose locale is en-US gets English, left to right. */
import { consoleFlow } from './fixtures/console-flow.ts';

consoleFlow('en', 'en-US');
