/**
 * The web console in Pashto: a browser whose locale is ps-AF gets Pashto by itself, right to left, with
 * the API's error sentences in Pashto too.
 */
import { consoleFlow } from './fixtures/console-flow.ts';

consoleFlow('ps', 'ps-AF');
