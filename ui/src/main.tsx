// Entry point: renders the dashboard. Everything shown goes through JSX text (escaped by Preact);
// nothing device-controlled is ever inserted as markup.
import { render } from 'preact';
import { App } from './App.js';
import './styles.css';

render(<App />, document.getElementById('app')!);
