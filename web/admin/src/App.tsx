// The console: its pages, once the person has signed in.
export function App() {
  return <main><h1>sheethook console</h1></main>;
}
