import { PageHeader } from '../ui/page';

export default function ConfigPage() {
  return <PageHeader title="Config" />;
}
