import { PageHeader } from '../ui/page';

export default function ServicePage() {
  return <PageHeader title="Service" />;
}
