import * as Comlink from 'comlink';
import { stats } from './stats';

Comlink.expose(stats);
